//! The HTTP classification service (`tema serve`). (scaffold: issue 5)
