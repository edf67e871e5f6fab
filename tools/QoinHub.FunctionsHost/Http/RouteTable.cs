using System.Globalization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace QoinHub.FunctionsHost.Http;

/// <summary>Finds the HTTP function for a method and path, as <c>{routePrefix}/{route}</c> with route parameters.</summary>
internal sealed class RouteTable
{
    private readonly List<(LoadedFunction Function, TemplateMatcher Matcher)> _routes = [];

    public RouteTable(IEnumerable<LoadedFunction> functions, string routePrefix)
    {
        foreach (var function in functions.Where(function => function.TriggerType == LoadedFunction.HttpTrigger))
        {
            var template = TemplateParser.Parse(routePrefix.Length == 0 ? function.Route! : routePrefix + "/" + function.Route);
            _routes.Add((function, new TemplateMatcher(template, new RouteValueDictionary())));
        }
    }

    public LoadedFunction? Match(string method, string path)
    {
        foreach (var (function, matcher) in _routes)
        {
            if (matcher.TryMatch(path, new RouteValueDictionary())
                && (function.Methods.Count == 0 || function.Methods.Contains(method.ToLower(CultureInfo.InvariantCulture))))
            {
                return function;
            }
        }

        return null;
    }
}
