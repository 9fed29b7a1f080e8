"""The published taxonomy site: markdown + graph data generated from the registry and the
results store, built with mkdocs-material (``site/``). See ``build.build_site``.

Kept import-free so that mounting ``registry site`` costs the CLI nothing."""
