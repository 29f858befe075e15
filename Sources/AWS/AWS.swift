// The AWS module. See docs/ARCHITECTURE.md for its place in the layers.
