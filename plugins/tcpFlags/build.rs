fn main() {
    t2_plugin::build::generate();
}
