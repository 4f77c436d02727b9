//! Ready-made stores.

pub mod memory;
