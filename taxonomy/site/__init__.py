"""The published taxonomy site: markdown + graph data generated from the registry and the
results store, built with mkdocs-material (``site/``). See ``build.build_site``."""

from taxonomy.site.build import BuildReport, build_from_data, build_site, generate_docs
from taxonomy.site.data import SiteData, collect, load_site_data

__all__ = [
    "BuildReport",
    "SiteData",
    "build_from_data",
    "build_site",
    "collect",
    "generate_docs",
    "load_site_data",
]
