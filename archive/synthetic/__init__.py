"""A synthetic archive for benchmarks: realistic sizes and shapes, made-up content.

    vocabulary.py  Zipf-distributed words per language (head: our demo corpus; tail: made up)
    entities.py    the cast: the real gazetteer plus made-up outlets, organizations, people
    articles.py    articles planned a batch at a time, deterministic per (seed, batch)
    database.py    the cast by the ORM, everything else by COPY; the synthetic marker
    corpus.py      a whole run: checks, batches, progress, statistics

Used by `manage.py generate_corpus` and benchmarks/run.py.
"""
