"""Tools apart from the app: generators of the illustrations, icons and sounds, the self-test,
screenshots and sample data."""
