"""Modal dialogs on one base (`Dialog[T]`): each dismisses with a typed result."""
