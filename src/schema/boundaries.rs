//! Boundary-value cases from facets (work in progress).
