#include "optdyn/analysis/layer_gradient_norms.hpp"

#include "optdyn/core/error.hpp"

namespace optdyn {

std::vector<BlockNorm> block_norms(const std::vector<ParameterBlock>& blocks, const Vec& vector) {
  std::vector<BlockNorm> out;
  out.reserve(blocks.size());
  for (const auto& block : blocks) {
    if (block.offset < 0 || block.size() < 0 || block.offset + block.size() > vector.size())
      throw InputError("block_norms: block '" + block.name + "' [" + std::to_string(block.offset) +
                       ", " + std::to_string(block.offset + block.size()) +
                       ") does not fit a vector of length " + std::to_string(vector.size()));
    out.push_back({block.name, block.kind, vector.segment(block.offset, block.size()).norm()});
  }
  return out;
}

std::vector<double> layer_gradient_norms(const std::vector<ParameterBlock>& blocks,
                                         const Vec& gradient) {
  std::vector<double> out;
  for (const auto& b : block_norms(blocks, gradient))
    if (b.kind == ParameterBlock::Kind::weight) out.push_back(b.norm);
  return out;
}

}  // namespace optdyn
