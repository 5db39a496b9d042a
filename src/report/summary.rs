//! Collecting what a report shows while streaming: counts per question, quote candidates, uncoded answers. (scaffold: issue 3)
