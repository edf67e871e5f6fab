using System.Globalization;
using QoinHub.Simulator.Load;

namespace QoinHub.Simulator.Output;

/// <summary>
/// The load command's progress: one line rewritten in place on a terminal, a line every five
/// seconds when the output is a file or pipe (so logs stay short).
/// </summary>
public sealed class ProgressLine(TextWriter output)
{
    private static readonly TimeSpan RedirectedInterval = TimeSpan.FromSeconds(5);
    private readonly bool _interactive = ReferenceEquals(output, Console.Error) && !Console.IsErrorRedirected;
    private TimeSpan? _lastWritten;
    private bool _written;

    public void Write(LoadProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"progress: {progress.Completed} sent, {progress.RequestsPerSecond:0.0}/s, {progress.NotAccepted} not accepted, {progress.Elapsed.TotalSeconds:0} s");
        if (_interactive)
        {
            output.Write("\r" + line.PadRight(72));
            _written = true;
        }
        else if (_lastWritten is not { } last || progress.Elapsed - last >= RedirectedInterval)
        {
            output.WriteLine(line);
            _lastWritten = progress.Elapsed;
        }
    }

    public void Finish()
    {
        if (_interactive && _written)
        {
            output.WriteLine();
        }
    }
}
