//! quanteda-style glob patterns (`*`, `?`) matched against whole folded tokens. (scaffold: issue 4)
