#include "optdyn/core/random_orthogonal.hpp"

namespace optdyn {

Mat haar_orthogonal(Index rows, Index cols, Rng& rng) {
  const bool wide = rows < cols;
  const Index m = wide ? cols : rows, n = wide ? rows : cols;
  const Mat g = rng.normal_matrix(m, n);
  Eigen::HouseholderQR<Mat> qr(g);
  Mat q = qr.householderQ() * Mat::Identity(m, n);
  const Mat& r = qr.matrixQR();
  for (Index j = 0; j < n; ++j)
    if (r(j, j) < 0) q.col(j) = -q.col(j);
  return wide ? Mat(q.transpose()) : q;
}

}  // namespace optdyn
