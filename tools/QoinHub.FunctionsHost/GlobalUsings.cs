global using Microsoft.Azure.Functions.Worker.Grpc.Messages;
