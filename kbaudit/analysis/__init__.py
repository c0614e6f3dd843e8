"""Corpus-wide maths shared by checks and commands: similarity, topics, coverage."""
