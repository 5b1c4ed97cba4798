# The fixed set of commands whose outputs must not change under refactoring (architecture
# issue: "no number changes"). Sourced by tests/golden_outputs_test.sh with $BIN (the build's
# bin/) and $OUT (an empty work folder) set; every file written under $OUT is hashed.
# Small sizes keep the whole set at a few seconds; together they cover every front end:
# eval, run (first- and second-order optimizers, modifiers, minibatches, curvature monitor),
# flow (ODE, Newton flow, SDE), compare, spectrum (both solvers, density) and each
# experiment at quick scale.
set -e
T=$BIN/optdyn
MLP="mlp:widths=784-8-10,n=200,act=tanh,loss=ce"
$T eval --objective rosenbrock:dim=3 --x0 0.5,-1,2 --hessian --out "$OUT/eval_rosenbrock.json"
$T eval --objective "$MLP" --x0 init:xavier,seed=3 --out "$OUT/eval_mlp.json"
$T run --objective quadratic:dim=30,kappa=100,seed=2 --optimizer momentum:lr=0.05,mu=0.9 --steps 200 \
    --x0 init:gaussian,seed=1 --record-every 10 --out "$OUT/run_momentum.csv"
$T run --objective rosenbrock:dim=4 --optimizer "adam:lr=1e-2|clip_norm:max=1|warmup:steps=20|cosine:t_max=300" \
    --steps 300 --x0 init:gaussian,seed=4 --record-every 7 --out "$OUT/run_adam.csv"
for opt in gd:lr=0.1 sgd:lr=0.05,momentum=0.9,nesterov=true rmsprop:lr=1e-3,centered=true adagrad:lr=0.1 \
    adadelta amsgrad:lr=1e-2 nadam:lr=1e-2 adamax:lr=1e-2 delta_bar_delta sign:lr=1e-3 normalized_gd:lr=0.01 \
    "nesterov:lr=0.05,mu=0.9" "adam:lr=1e-2,convention=efficient|weight_decay:wd=1e-3|average"; do
  name=$(echo "$opt" | tr ':=,|/.' '______')
  $T run --objective "$MLP" --optimizer "$opt" --steps 30 --batch 50 --sampling shuffle --seed 5 \
      --x0 init:xavier,seed=3 --record-every 5 --out "$OUT/run_mlp_$name.csv"
done
for opt in newton damped_newton:damping=0.1 saddle_free_newton:mode=krylov,k=5 bfgs lbfgs nonlinear_cg linear_cg \
    gauss_newton levenberg_marquardt coordinate_descent:update=exact; do
  name=$(echo "$opt" | tr ':=,|/.' '______')
  $T run --objective rosenbrock:dim=4 --optimizer "$opt" --steps 25 --x0 -1.2,1,-1.2,1 --out "$OUT/run_rb_$name.csv"
done
for opt in natural_gradient:lr=0.5,damping=1e-3 kfac:lr=0.1 tonga:lr=0.1 parabola_regression:lr=0.5; do
  name=$(echo "$opt" | tr ':=,|/.' '______')
  $T run --objective "mlp:widths=10-6-3,n=64,data=teacher-mlp,targets=labels,loss=ce,act=tanh" --optimizer "$opt" \
      --steps 20 --x0 init:xavier,seed=1 --out "$OUT/run_small_$name.csv"
done
$T run --objective "$MLP" --optimizer gd:lr=0.5 --steps 40 --x0 init:xavier,seed=3 \
    --monitor curvature:every=10 --out "$OUT/run_monitor.csv"
$T flow --objective rosenbrock --flow gradient --integrator dopri5:rtol=1e-10,atol=1e-12 --t-end 2 \
    --record-dt 0.1 --x0 -1.2,1 --out "$OUT/flow_gradient.csv"
$T flow --objective rosenbrock --flow heavy_ball:mass=0.0095,friction=0.1 --integrator rk4:h=0.001 --t-end 1 \
    --x0 -1.2,1 --monitor curvature:every=10 --out "$OUT/flow_hb.csv"
$T flow --objective quadratic:dim=10,kappa=50 --flow newton:damping=0.1 --integrator implicit_euler:h=0.1 \
    --t-end 2 --x0 init:gaussian,seed=2 --out "$OUT/flow_newton.csv"
$T flow --objective "mlp:widths=10-6-3,n=64,data=teacher-mlp,loss=mse" --flow sgd_sde:lr=0.05,batch=8 \
    --integrator euler_maruyama:h=0.05,seed=3 --t-end 2 --x0 init:xavier,seed=1 --out "$OUT/flow_sde.csv"
$T flow --objective rosenbrock --flow adam_ode:a=100,b=1 --integrator bulirsch_stoer --t-end 0.5 --x0 -1.2,1 \
    --out "$OUT/flow_adam.csv"
$T compare --objective rosenbrock:a=10 --optimizer gd:lr=0.002 --steps 200 --x0 -1,1.5 --record-every 10 \
    --out "$OUT/compare_gd"
$T compare --objective rosenbrock:a=10 --optimizer momentum:lr=0.002,mu=0.5 --steps 100 --x0 -1,1.5 \
    --out "$OUT/compare_momentum"
$T spectrum --objective "$MLP" --x0 init:xavier,seed=3 --k 4 --dense never --which both --out "$OUT/spectrum_ks"
$T spectrum --objective "$MLP" --x0 init:xavier,seed=3 --k 4 --dense never --solver spectra --out "$OUT/spectrum_spectra"
$T spectrum --objective quadratic:dim=60,kappa=20,seed=1 --x0 zeros --dense always --density --out "$OUT/spectrum_dense"
$T run --objective "$MLP" --optimizer sgd:lr=0.1 --steps 40 --batch 20 --seed 5 --x0 init:xavier,seed=3 \
    --record-every 5 --eval heldout:split=validation,fraction=0.25,every=10 --early-stopping early_stopping:patience=2 \
    --out "$OUT/run_mlp_heldout.csv"
$T run --objective "$MLP" --optimizer sgd:lr=0.1 --steps 20 --batch 20 --seed 5 --x0 init:xavier,seed=3 \
    --record-every 5 --eval heldout:split=test,n=300,every=5 --out "$OUT/run_mlp_test_split.csv"
for e in gradient_scaling saxe_modes saxe_depth convergence_rates saddle_escape flow_departure \
    sgd_vs_sde reparameterization loss_concentration index_vs_loss central_flow generalization \
    optimizer_zoo pathologies; do
  $BIN/$e --out "$OUT/experiment_$e" --seed 0 --scale quick >/dev/null
done
