//! Markdown report renderer. (scaffold: issue 3)
