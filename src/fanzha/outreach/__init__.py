"""宣防 outreach: campaign records, App coverage, precision targeting, visit plans, measured effect."""
