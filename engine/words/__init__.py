"""Reading moves typed in plain words: one module per job.

- `text`: normalising text and names (one way for every field type)
- `inflect`: the conjugated and passive forms of a phrase's verb (lemminflect)
- `synonyms`: declared and built-in synonyms of a phrase's opening words
- `dates`: dates inside a sentence (dateparser, lazily imported)
- `amounts`: amounts of money in figures and words, with their currency (text2num)
- `names`: what a `name` hole accepts: a known name or a proper noun
- `split`: cutting a sentence into several moves, or a list of objects
- `patterns`: phrases compiled into the regular expressions that read a sentence
- `suggest`: did-you-mean for names and phrases (rapidfuzz)

`engine.phrases.MoveParser` puts them together.
"""
