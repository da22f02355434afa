"""The in-tree scheduling-framework plugins, one module each, named as upstream's."""
