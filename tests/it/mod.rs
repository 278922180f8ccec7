mod all_captures;
mod e2e;
