output "api_urls" {
  description = "Topology API name → base URL of its $default stage (scripts/deployed-env writes these into http/http-client.env.json)."
  value       = { for name, api in module.http_api : name => api.url }
}

output "function_names" {
  description = "Topology function name → deployed function name."
  value       = { for name, f in module.function : name => f.name }
}

output "function_architectures" {
  description = "Topology function name → the architecture it is deployed as."
  value       = local.architectures
}

output "table_names" {
  value = { for name, table in module.table : name => table.name }
}

output "queue_urls" {
  value = module.queues.urls
}

output "bus_names" {
  value = module.bus_pipe.bus_names
}
