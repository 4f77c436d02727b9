//! Ready-made stores.

mod code_table;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "redis"))]
mod codec;
pub mod memory;
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub mod postgres;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub mod redis;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_common;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub mod sqlite;
mod token_table;

#[cfg(any(feature = "sqlite", feature = "postgres", feature = "redis"))]
pub use codec::StoredUser;
