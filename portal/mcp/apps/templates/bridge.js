/* The view's side of the MCP Apps host protocol (ext-apps, spec 2026-01-26): JSON-RPC 2.0 over
   postMessage with the parent window. ui/initialize -> hostContext -> ui/notifications/initialized,
   then the host sends ui/notifications/tool-input and ui/notifications/tool-result (a CallToolResult). */
(function () {
  "use strict";
  var PROTOCOL_VERSION = "2026-01-26";
  var nextId = 1;
  var pending = {};
  var renderer = null;
  var lastResult = null;

  function send(message) {
    window.parent.postMessage(message, "*");
  }

  function request(method, params) {
    var id = nextId++;
    return new Promise(function (resolve, reject) {
      pending[id] = { resolve: resolve, reject: reject };
      send({ jsonrpc: "2.0", id: id, method: method, params: params || {} });
    });
  }

  function notify(method, params) {
    send({ jsonrpc: "2.0", method: method, params: params || {} });
  }

  function applyContext(context) {
    if (!context) return;
    var root = document.documentElement;
    if (context.theme === "dark" || context.theme === "light") root.dataset.theme = context.theme;
    var variables = context.styles && context.styles.variables;
    if (variables) {
      Object.keys(variables).forEach(function (name) {
        if (name.indexOf("--") === 0 && typeof variables[name] === "string") {
          root.style.setProperty(name, variables[name]);
        }
      });
    }
    if (context.locale) root.lang = context.locale;
  }

  function reportSize() {
    var box = document.documentElement.getBoundingClientRect();
    notify("ui/notifications/size-changed", { width: Math.ceil(box.width), height: Math.ceil(box.height) });
  }

  function deliver(result) {
    lastResult = result;
    if (renderer) {
      renderer(result);
      window.requestAnimationFrame(reportSize);
    }
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) return;
    var message = event.data;
    if (!message || message.jsonrpc !== "2.0") return;
    if (message.method === undefined && message.id !== undefined) {
      var waiting = pending[message.id];
      if (!waiting) return;
      delete pending[message.id];
      if (message.error) waiting.reject(message.error);
      else waiting.resolve(message.result || {});
      return;
    }
    switch (message.method) {
      case "ui/notifications/tool-result":
        deliver(message.params || {});
        break;
      case "ui/notifications/tool-input":
      case "ui/notifications/tool-input-partial":
        break; // the arguments: the figures come with the result
      case "ui/notifications/tool-cancelled":
        window.HaresignApp.fail("The tool call was cancelled.");
        break;
      case "ui/notifications/host-context-changed":
        applyContext(message.params);
        break;
      case "ui/resource-teardown":
        if (message.id !== undefined) send({ jsonrpc: "2.0", id: message.id, result: {} });
        break;
      default:
        if (message.id !== undefined) {
          send({ jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } });
        }
    }
  });

  window.HaresignBridge = {
    /* The view's drawing function; called with each CallToolResult the host delivers. */
    onResult: function (fn) {
      renderer = fn;
      if (lastResult) deliver(lastResult);
    },
  };

  request("ui/initialize", {
    appInfo: { name: "haresign-" + window.HARESIGN_VIEW.view, version: "1.0.0" },
    appCapabilities: {},
    protocolVersion: PROTOCOL_VERSION,
  }).then(
    function (result) {
      applyContext(result.hostContext);
      notify("ui/notifications/initialized", {});
    },
    function () {
      window.HaresignApp.fail("The assistant's host refused to start this view.");
    }
  );
})();
