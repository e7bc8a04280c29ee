//! The cost-of-doing-nothing calculator, shown on `/autonomie-scan` and on results pages.
