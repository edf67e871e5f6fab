using System.CommandLine;
using QoinHub.Simulator.Output;
using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Cli;

/// <summary><c>token</c>: one signed Access Token B2B request and its answer.</summary>
public static class TokenCommand
{
    public static Command Create(TimeProvider clock)
    {
        var endpointOptions = new EndpointOptions();
        var credentialOptions = new CredentialOptions();
        var showToken = new Option<bool>("--show-token") { Description = "Print the access token in full (it is shortened otherwise)" };
        var command = new Command("token", "Signs and sends an Access Token B2B request and prints the answer") { showToken };
        endpointOptions.AddTo(command);
        credentialOptions.AddTo(command);
        command.SetAction((result, cancellationToken) => SimulatorCommandLine.GuardAsync(async () =>
        {
            // A token request is signed with the private key alone: --client-id and --private-key suffice.
            using var partner = credentialOptions.Resolve(result, clientSecretRequired: false);
            var (endpoint, http) = endpointOptions.Create(result, clock);
            using (http)
            {
                var (request, response) = await new AccessTokenClient(endpoint, clock).RequestAsync(partner, cancellationToken);
                Redaction.WriteRequest(Console.Out, endpoint, request);
                Console.Out.WriteLine();
                Redaction.WriteResponse(Console.Out, response, result.GetValue(showToken), "accessToken");
                return response.Is(200, AccessTokenClient.SuccessCode) ? ExitCodes.Success : ExitCodes.Failure;
            }
        }));
        return command;
    }
}
