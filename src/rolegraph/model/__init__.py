"""What the data is: the vocabulary, formats, records, paths and the import report. No I/O."""
