// Entry point of the layer checks (CMakeLists.txt): each check links one layer library whole, so that a
// call from that layer into a layer above it is an undefined reference and fails the build.
int main() { return 0; }
