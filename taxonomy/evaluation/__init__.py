"""The evaluation pipeline: registry nodes x models -> samples -> labels -> bits -> store.

``run.evaluate`` is the entry point (``registry evaluate``); ``engine`` orders and scores
nodes by kind; ``sampling`` caches generations; ``compare`` and ``verification`` back
``registry compare`` and ``registry verify``.
"""
