// relay-gateway's entry point: everything happens in relay::cli::run.
// Kept tiny so the whole program is testable as a library.
#include "gateway/cli/cli.hpp"

int main(int argc, char** argv) {
  return relay::cli::run(argc, argv);
}
