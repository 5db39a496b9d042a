//! HTML report renderer. (scaffold: issue 3)
