# One API Gateway HTTP API of the topology: the API with its CORS, the $default stage (auto-deployed, access logs
# in a log group of its own, throttled), one payload-2.0 Lambda integration per function, its routes, and per
# route a permission letting this API invoke the function for that route only.

variable "name" {
  type = string
}

variable "description" {
  type    = string
  default = null
}

variable "routes" {
  description = "Route key (\"POST /api/v1/orders/placeOrder\") → the function serving it (and its authorizer)."
  type = map(object({
    function_name       = string
    function_invoke_arn = string
    authorizer          = optional(string)
  }))
}

variable "authorizers" {
  description = "Lambda REQUEST authorizers (payload 2.0, simple responses) by name."
  type = map(object({
    function_name       = string
    function_invoke_arn = string
    identity_sources    = list(string)
    ttl                 = number
  }))
  default = {}
}

variable "cors" {
  description = "CORS of the topology, or null for none."
  type = object({
    allow_origins     = list(string)
    allow_methods     = list(string)
    allow_headers     = list(string)
    expose_headers    = list(string)
    max_age           = optional(number)
    allow_credentials = bool
  })
  default = null
}

variable "log_retention_days" {
  type    = number
  default = 14
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second the stage accepts (a cost guard for a public API)."
  type        = number
  default     = 100
}

variable "throttling_burst_limit" {
  type    = number
  default = 200
}

locals {
  functions = { for route in values(var.routes) : route.function_name => route.function_invoke_arn... }
  # The part of an execute-api ARN a route covers: "POST /a/{id}" → "POST/a/*", "ANY /x" → "*/x", "$default".
  route_source_paths = {
    for key in keys(var.routes) : key => key == "$default" ? "$default" : join("", [
      split(" ", key)[0] == "ANY" ? "*" : split(" ", key)[0],
      replace(split(" ", key)[1], "/\\{[^}]*\\}/", "*"),
    ])
  }
}

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  description   = var.description
  protocol_type = "HTTP"

  dynamic "cors_configuration" {
    for_each = var.cors == null ? [] : [var.cors]
    content {
      allow_origins     = cors_configuration.value.allow_origins
      allow_methods     = cors_configuration.value.allow_methods
      allow_headers     = cors_configuration.value.allow_headers
      expose_headers    = cors_configuration.value.expose_headers
      max_age           = cors_configuration.value.max_age
      allow_credentials = cors_configuration.value.allow_credentials
    }
  }
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name}"
  retention_in_days = var.log_retention_days
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      requestTime        = "$context.requestTime"
      ip                 = "$context.identity.sourceIp"
      routeKey           = "$context.routeKey"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
    })
  }

  default_route_settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
  }
}

resource "aws_apigatewayv2_integration" "this" {
  for_each               = local.functions
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = each.value[0]
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_authorizer" "this" {
  for_each                          = var.authorizers
  api_id                            = aws_apigatewayv2_api.this.id
  name                              = each.key
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = each.value.function_invoke_arn
  identity_sources                  = each.value.identity_sources
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = true
  authorizer_result_ttl_in_seconds  = each.value.ttl
}

resource "aws_apigatewayv2_route" "this" {
  for_each           = var.routes
  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  target             = "integrations/${aws_apigatewayv2_integration.this[each.value.function_name].id}"
  authorization_type = each.value.authorizer == null ? "NONE" : "CUSTOM"
  authorizer_id      = each.value.authorizer == null ? null : aws_apigatewayv2_authorizer.this[each.value.authorizer].id
}

# API Gateway may invoke each authorizer's function, for that authorizer only.
resource "aws_lambda_permission" "authorizer" {
  for_each      = var.authorizers
  statement_id  = "${substr(replace("${var.name}-authorizer-${each.key}", "/[^A-Za-z0-9_-]/", "-"), 0, 91)}-${substr(md5(each.key), 0, 8)}"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/authorizers/${aws_apigatewayv2_authorizer.this[each.key].id}"
}

resource "aws_lambda_permission" "this" {
  for_each      = var.routes
  statement_id  = "${substr(replace("${var.name}-${each.key}", "/[^A-Za-z0-9_-]/", "-"), 0, 91)}-${substr(md5(each.key), 0, 8)}"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/${local.route_source_paths[each.key]}"
}

output "id" {
  value = aws_apigatewayv2_api.this.id
}

output "url" {
  description = "Base URL of the $default stage (no trailing slash)."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "route_keys" {
  value = sort([for route in aws_apigatewayv2_route.this : route.route_key])
}

output "api" {
  description = "The API resource (for tests)."
  value       = aws_apigatewayv2_api.this
}

output "stage" {
  value = aws_apigatewayv2_stage.default
}

output "routes" {
  description = "Route resources by route key."
  value       = aws_apigatewayv2_route.this
}

output "integrations" {
  description = "Integration resources by deployed function name."
  value       = aws_apigatewayv2_integration.this
}

output "authorizers" {
  description = "Authorizer resources by name, and the permissions letting API Gateway invoke their functions."
  value       = { resources = aws_apigatewayv2_authorizer.this, permissions = aws_lambda_permission.authorizer }
}

output "permissions" {
  description = "Lambda permission resources by route key."
  value       = aws_lambda_permission.this
}
