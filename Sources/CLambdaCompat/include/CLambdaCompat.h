// CLambdaCompat has no API: it is linked into every function binary for the symbols it defines (see compat.c).
