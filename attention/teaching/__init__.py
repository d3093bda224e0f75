"""What the lab says about the numbers: notation, formulas, report sentences, examples, what-if."""
