"""The national roll-up (issue 18): a province's de-identified figures per county for a term,
suppressed where small, signed with the province's key (`export`), verified and loaded by a
national instance (`importing`), whose census pages read them (`national`)."""
