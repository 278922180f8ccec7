mod all_captures;
mod databases;
mod e2e;
mod modes;
mod plugin_loading;
mod t2conf;
mod t2plugin;
mod tawk;
