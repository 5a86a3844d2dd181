using System.CommandLine;
using GloVeV.Training;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

static class TrainCommand
{
    public static Command Create()
    {
        var cooc = Required("--cooccur", "Co-occurrence folder (made by cooccur, or one holding GloVe C's cooccurrence.bin), or a GloVe C .bin file (NAME.bin is converted once to NAME.csr.safetensors beside it)");
        var vocab = Required("--vocab", "vocab.txt");
        var output = Required("--out", "Model folder");
        var dim = Int("--dim", "Vector size D", 100);
        var schedule = new TrainingFlags("25", 0, 0);
        var init = Optional("--init", "With --epochs 0: start the ALS sweeps from this trained model folder");
        var eta = Double("--eta", "Initial learning rate", 0.05);
        var xmax = Double("--x-max", "Weighting cut-off x_max", 100);
        var alpha = Double("--alpha", "Weighting exponent", 0.75);
        var clip = Double("--grad-clip", "Gradient component clip", 100);
        var biasEta = new Option<double?>("--bias-eta") { Description = "Learning rate for biases (default: none, as GloVe C)" };
        var seed = new Option<ulong>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1 };
        var ckpt = Int("--checkpoint-every", "Checkpoint every K epochs (0 = never)", 0);
        var resume = Flag("--resume", "Continue from the checkpoint in --out");
        var backend = new Option<string>("--backend") { Description = "cpu (SIMD AdaGrad; threads split each epoch into blocks of their own words) or torch (batched, TorchSharp; needs the glovev-torch build)", DefaultValueFactory = _ => "cpu" };
        var device = new Option<string>("--device") { Description = "torch backend: auto, cpu or cuda", DefaultValueFactory = _ => "auto" };
        var batch = Int("--batch-size", "torch backend: non-zeros per mini-batch (0 = device default)", 0);
        var threads = Threads(); var json = Json();
        var cmd = new Command("train", "Train GloVe (AdaGrad, SIMD float32, or batched on TorchSharp); keeps W, C and both biases")
            { cooc, vocab, output, dim, eta, xmax, alpha, clip, biasEta, seed, ckpt, resume, backend, device, batch, threads, json };
        foreach (var f in schedule.All) cmd.Options.Add(f);
        cmd.Options.Add(init);
        cmd.SetAction(r => Guard(() =>
        {
            bool js = r.GetValue(json);
            var b = r.GetValue(backend)!;
            if (b == "torch" && TrainBackends.Torch is null) return TrainBackends.HandOverToTorchBuild();
            // The torch backend's settings mean nothing to the CPU trainer: refused rather than ignored.
            if (b == "cpu")
                foreach (var torchOnly in new Option[] { device, batch })
                    if (r.GetResult(torchOnly) is { Implicit: false }) throw new GloVeVException($"{torchOnly.Name} applies to --backend torch only");
            var factory = TrainBackends.Resolve(b, r.GetValue(device)!, r.GetValue(batch));
            var o = new TrainingOptions
            {
                Dim = r.GetValue(dim), Eta = r.GetValue(eta), XMax = r.GetValue(xmax), Alpha = r.GetValue(alpha),
                GradClip = r.GetValue(clip), BiasEta = r.GetValue(biasEta), Seed = r.GetValue(seed), CheckpointEvery = r.GetValue(ckpt), Threads = r.GetValue(threads),
            };
            o = schedule.Apply(r, o) with { InitFrom = r.GetValue(init) };
            var res = Output.Stage("train", js, report => ModelTraining.Train(r.GetValue(cooc)!, r.GetValue(vocab)!, r.GetValue(output)!, o, r.GetValue(resume),
                e => report((double)e.Epoch / e.Epochs, TrainingFlags.Describe(e)), backend: factory,
                onSweep: s => report((double)s.Sweep / s.Sweeps, TrainingFlags.Describe(s)), onRidge: c => report(0, TrainingFlags.Describe(c))));
            var sweeps = res.Sweeps ?? [];
            if (js) Output.WriteJson(w =>
            {
                w.WriteString("model", res.ModelDir); w.WriteNumber("vocab_size", res.VocabSize); w.WriteNumber("dim", res.Dim);
                w.WriteNumber("nonzeros", res.NonZeros); w.WriteNumber("seconds", res.Seconds); w.WriteBoolean("resumed", res.Resumed); w.WriteString("backend", res.Backend);
                w.WriteStartArray("epochs");
                foreach (var e in res.Epochs)
                {
                    w.WriteStartObject(); w.WriteNumber("epoch", e.Epoch); w.WriteNumber("cost", e.Cost); w.WriteNumber("seconds", e.Seconds);
                    w.WriteNumber("entries_per_second", e.EntriesPerSecond);
                    if (!double.IsNaN(e.MedianCosineToWls)) { Output.Number(w, "relative_change", e.RelativeChange); Output.Number(w, "median_cos_wls_frequent", e.MedianCosineToWls); }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteNumber("ridge", res.Ridge);
                w.WriteStartArray("als_sweeps");
                foreach (var s in sweeps)
                {
                    w.WriteStartObject(); w.WriteNumber("sweep", s.Sweep); w.WriteNumber("cost", s.Cost); w.WriteNumber("objective", s.Objective);
                    w.WriteNumber("relative_change", s.RelativeChange); w.WriteNumber("seconds", s.Seconds); w.WriteNumber("rows_kept", s.Kept); w.WriteEndObject();
                }
                w.WriteEndArray();
                if (sweeps.Count > 0) w.WriteNumber("final_cost", sweeps[^1].Cost);
                else if (res.Epochs.Count > 0) w.WriteNumber("final_cost", res.Epochs[^1].Cost);
            });
            else
            {
                if (res.Epochs.Count > 0)
                    Output.Table(["epoch", "cost", "seconds", "entries/s", "median cos(trained, WLS)"], res.Epochs.Select(e => new[] { e.Epoch.ToString(), Output.F(e.Cost, 6), Output.F(e.Seconds, 2), $"{e.EntriesPerSecond:N0}", Output.F(e.MedianCosineToWls) }));
                if (sweeps.Count > 0)
                    Output.Table(["ALS sweep", "cost", "objective", "change", "seconds"], sweeps.Select(s => new[] { s.Sweep.ToString(), Output.F(s.Cost, 6), Output.F(s.Objective, 6), Output.F(s.RelativeChange, 6), Output.F(s.Seconds, 2) }));
                Console.WriteLine($"model -> {res.ModelDir} (V={res.VocabSize:N0}, D={res.Dim}, {res.NonZeros:N0} non-zeros, {res.Backend}) [{res.Seconds:F1}s]");
            }
            return 0;
        }));
        return cmd;
    }
}
