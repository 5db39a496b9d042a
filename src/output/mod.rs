//! Writers for coded answers and counts: CSV for Excel, xlsx workbooks. (scaffold: issue 3)
