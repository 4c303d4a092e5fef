//! Peripheral devices. Each one is a sans-IO protocol codec, a thin serial transport and a simulator
//! speaking the same protocol on a pseudo-terminal (see ARCHITECTURE.md).

pub mod idcard;
pub mod printer;
pub mod scanner;
pub mod stop;
