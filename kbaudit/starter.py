"""The commented starter config written by `kbaudit init`."""

STARTER_CONFIG = """\
# kbaudit configuration. Every setting is optional; the values shown are the defaults
# unless marked "example". CLI flags override this file.

# --- Reading the export ---------------------------------------------------------------
# Files to read and to skip (gitignore-style globs, relative to the audited folder; a
# leading / anchors to the root). `exclude` replaces the default list; `extend_exclude` adds.
include: []
exclude: ["/README.md", "/AGENTS.md", "/SUMMARY.md", "_sidebar.md", "_navbar.md", "**/.*/**",
          "CONTRIBUTING.md", "CODE_OF_CONDUCT.md", "SECURITY.md", "CHANGELOG.md",
          "LICENSE.md", "includes/**", "_includes/**", "archetypes/**", "node_modules/**",
          "vendor/bundle/**"]
extend_exclude: []

# Extra names for fields, when your export uses its own keys (example):
# fields:
#   updated_at: [reviewed_on]
#   owner: [team]
fields: {}

# Where the category comes from: auto (the field, else toc.yml / mkdocs nav / SUMMARY.md /
# _sidebar.md / sidebars.js, else the folders), field, toc, path (first folder) or none.
category_from: auto
# Day/month order of dates such as 05/01/2024: mdy or dmy.
date_order: mdy
# Dates: field, git (last commit per file, one git call) or auto (git only where no field).
dates: field
# Your help center's public URL: absolute links to it count as internal links (example).
# base_url: https://help.example.com

# Tables (CSV, TSV, JSON Lines): which column holds each article field, and an optional preset
# (salesforce, servicenow; recognised from the header row when not set) (example):
# mapping: {title: Subject, body: Answer__c, updated_at: LastModified, category: Topic}
# preset: salesforce
mapping: {}

# Safety limits for zip archives (bytes unless noted):
limits:
  max_entries: 100000        # files in the archive
  max_total_size: 2147483648 # all entries together, uncompressed
  max_file_size: 268435456   # one entry, uncompressed
  max_ratio: 200             # uncompressed / compressed size of one entry

# Controlled vocabulary: a YAML file with `categories:` and `tags:` lists (example).
# taxonomy: taxonomy.yaml

# --- Rules ------------------------------------------------------------------------------
# Extra rule packs (YAML files); a .kbaudit/rules/ folder in the KB is read too.
rule_packs: []
# ruff-style selection by code, code prefix, rule name or category; empty = all enabled.
select: []
ignore: []
# Rules to skip for some paths (example):
# per_path_ignores:
#   "archive/**": [STALE]
per_path_ignores: {}
# Per-rule settings: severity, enabled, params (example):
# rules:
#   STALE001: {params: {days: 365, by_category: {billing: 180}}}
#   TAX003: {severity: warning}
rules: {}

# --- Analyses: one set of settings for every rule and command that reads them --------------
duplicates:
  threshold: 0.8             # TF-IDF cosine from which two bodies are near duplicates
  min_words: 10              # shorter bodies are not compared
  boilerplate_share: 0.02    # lines in more than this share of articles are boilerplate
  boilerplate_min_articles: 5
  canonical: [most_linked, newest, longest]  # how a group's canonical article is chosen
  title_threshold: 92        # rapidfuzz token_sort_ratio from which titles match
  max_body_similarity: 0.8   # title pairs with bodies this similar are near duplicates
  min_passage_similarity: 85 # passages compared for differing facts
coverage:
  covered: 0.32              # best-match score from which a question is answered
  partial: 0.22              # ... from which it is partly answered
  top_k: 3                   # matches kept per question
  locale: auto               # auto (the KB's main language), all, or a locale such as en
  semantic: auto             # matching by meaning: auto (when kbaudit[semantic] and a model are installed), on, off
  # model: models/all-MiniLM-L6-v2  # sentence-embedding model folder (default: found)
# topics: 12                 # number of topic clusters (default: chosen automatically)

# --- Scorecard and CI -------------------------------------------------------------------
scorecard:
  weights: {freshness: 0.25, uniqueness: 0.2, coverage: 0.2, taxonomy: 0.15, quality: 0.2}
  ready: 75          # readiness score needed for the "ready" verdict
  min_coverage: 0.7  # with --questions: answered share under this blocks the verdict
# fail_on: error     # exit 1 on findings at or above this severity (example)
# fail_under: 70     # exit 1 when the readiness score is lower (example)
# as_of: 2026-01-31  # audit as if today were this date (example)
"""
