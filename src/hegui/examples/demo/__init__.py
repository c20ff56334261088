"""The ``hegui demo`` project: hegui.yaml, bank.jsonl, answers.jsonl, keywords.tsv.

``demo_expectations.json`` lists the planted failures of answers.jsonl for tests.
"""
