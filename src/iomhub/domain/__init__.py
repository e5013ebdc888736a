"""The IOM vocabulary: codes, dates, periods, age bands and RAG rules, as plain Python."""
