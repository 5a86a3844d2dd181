using System.CommandLine;
using GloVeV.Inference;
using static GloVeV.Cli.CliOptions;

namespace GloVeV.Cli.Commands;

/// <summary><c>glovev show</c>: one word's vector, covariance and GloVe-V diagnostics.</summary>
static class ShowCommand
{
    public static Command Create()
    {
        var model = Required("--model", "Model folder");
        var word = Required("--word", "The word");
        var cov = Flag("--covariance", "Include the D x D covariance (row-major)");
        var approx = Flag("--approximate", "Read the compact (approximated) covariance");
        var json = Json();
        var cmd = new Command("show", "A word's vector, covariance and diagnostics") { model, word, cov, approx, json };
        cmd.SetAction(r => Guard(() =>
        {
            if (r.GetValue(approx) && !r.GetValue(cov)) throw new BadArgumentException("--approximate chooses which covariance --covariance prints; give --covariance too");
            using var m = QueryOptions.Open(r.GetValue(model)!);
            m.CheckCompactForms(r.GetValue(approx));
            var w = r.GetValue(word)!;
            int id = m.IdOf(w);
            var v = m.Vector(id);
            bool has = m.HasCovariance(id);
            var c = has && r.GetValue(cov) ? m.Covariance(id, r.GetValue(approx)) : null;
            var info = m.Variances?.Info();
            (int Contexts, double Sigma2, string Status, double NoiseRatio) row = default;
            bool hasInfo = info != null && info.TryGetValue(w, out row);
            var rel = new Propagation(m).Reliability([id])[0];
            var prior = m.ReliabilityTable.Prior(m);
            var (calS2, calDof) = m.ReliabilityTable.CalibratedSigma2(m, id);
            // The prior degrees of freedom this word borrows (less than the model's for a word whose σ² is in the prior's
            // upper tail, 0 below its lowest 0.5% and without a prior).
            double borrowed = m.ReliabilityTable.CalibratedPriorDof(m, id);
            if (r.GetValue(json)) Output.WriteJson(j =>
            {
                j.WriteString("word", w); j.WriteNumber("index", id); j.WriteNumber("count", m.Vocabulary.CountOf(id));
                j.WriteStartArray("vector"); foreach (var x in v) j.WriteNumberValue(x); j.WriteEndArray();
                j.WriteBoolean("has_covariance", has);
                if (hasInfo)
                {
                    j.WriteNumber("contexts", row.Contexts); Output.Number(j, "sigma2", row.Sigma2); j.WriteString("status", row.Status);
                    Output.Number(j, "noise_ratio", row.NoiseRatio);
                    j.WriteNumber("dof", rel.Dof); Output.Number(j, "cos_trained_wls", rel.CosTrainedWls);
                    // The calibrated method's σ² (moderated by the model's prior, VariancePrior) and its degrees of freedom.
                    Output.Number(j, "calibrated_sigma2", calS2); Output.Number(j, "calibrated_dof", calDof);
                    Output.Number(j, "word_prior_dof", borrowed);
                }
                j.WriteStartObject("variance_prior");
                j.WriteNumber("words", prior.Words); Output.Number(j, "prior_dof", prior.PriorDof); j.WriteBoolean("used", prior.Active);
                j.WriteEndObject();
                j.WriteBoolean("flagged", rel.Flagged);
                j.WriteStartArray("warnings"); foreach (var x in rel.Warnings) j.WriteStringValue(x); j.WriteEndArray();
                if (c != null) { j.WriteStartArray("covariance"); foreach (var x in c) j.WriteNumberValue(x); j.WriteEndArray(); }
            });
            else
            {
                Console.WriteLine($"{w}: index {id}, count {m.Vocabulary.CountOf(id)}, |w| = {Math.Sqrt(v.Sum(x => x * x)):F4}" +
                    (hasInfo ? $", {row.Contexts} contexts, sigma2 {Output.F(row.Sigma2, 6)}, noise ratio tr(Sigma)/|w|^2 {Output.F(row.NoiseRatio, 4)}, dof {rel.Dof}, cos(trained, WLS) {Output.F(rel.CosTrainedWls, 4)} ({row.Status})" : ""));
                if (hasInfo && double.IsFinite(calS2))
                    Console.WriteLine($"calibrated method: sigma2 {Output.F(calS2, 6)} with {Output.F(calDof, 1)} degrees of freedom " +
                        (prior.Active ? $"(the model's sigma2 prior over {prior.Words} words: {Output.F(prior.PriorDof, 1)} prior degrees of freedom" +
                            (borrowed < prior.PriorDof ? $"; this word borrows {Output.F(borrowed, 1)} of them, its sigma2 being in the prior's upper tail or below its lowest 0.5%)" : ")")
                        : prior.Words < VariancePrior.MinWords ? $"(no sigma2 prior: fewer than {VariancePrior.MinWords} words)"
                        : $"(no sigma2 prior: the {prior.Words} words' sigma2 differ too much, {Output.F(prior.PriorDof, 1)} < {VariancePrior.MinPriorDof} prior degrees of freedom)"));
                foreach (var x in rel.Warnings) Console.Error.WriteLine($"glovev: warning: '{w}': {x}");
                if (c != null)
                    Output.Table(Enumerable.Range(0, m.Dim).Select(q => q.ToString()).Prepend("").ToArray(),
                        Enumerable.Range(0, m.Dim).Select(q => Enumerable.Range(0, m.Dim).Select(u => c[q * m.Dim + u].ToString("G3")).Prepend(q.ToString()).ToArray()));
            }
            return 0;
        }));
        return cmd;
    }
}
