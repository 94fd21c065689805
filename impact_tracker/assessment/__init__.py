"""The NHS IMPACT self-assessment: frameworks as data, assessments, responses, results and action plans."""
