"""The app's screens: the board, the Due list, contact pages, archive, forms."""
