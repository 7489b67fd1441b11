"""The app's pages and sheets, one room each: protocols, setup, session, history, settings, help."""
