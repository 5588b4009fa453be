variable "topology_file" {
  description = "The one description of the system, shared with the host."
  type        = string
  default     = null # ../infra/topology.json
}

variable "region" {
  description = "AWS region; null takes the topology's region."
  type        = string
  default     = null
}

variable "name_prefix" {
  description = "First part of every resource name: <prefix>-<stage>-<topology name>."
  type        = string
  default     = "commerce"
  validation {
    condition     = can(regex("^[a-z][a-z0-9]{0,19}$", var.name_prefix))
    error_message = "name_prefix is 1 to 20 lowercase letters or digits, starting with a letter."
  }
}

variable "stage" {
  description = "Second part of every resource name (dev, prod, a developer's name…)."
  type        = string
  default     = "dev"
  validation {
    condition     = can(regex("^[a-z][a-z0-9]{0,9}$", var.stage))
    error_message = "stage is 1 to 10 lowercase letters or digits, starting with a letter."
  }
}

variable "artifacts_dir" {
  description = "Directory holding <Function>.zip for every function (scripts/package writes them, with manifest.json)."
  type        = string
  default     = null # ../.build/lambda
}

variable "architecture_override" {
  description = "Deploy every function as this architecture. Null: the architecture recorded in artifacts_dir/manifest.json by scripts/package, else the topology's (default arm64)."
  type        = string
  default     = null
  validation {
    condition     = var.architecture_override == null || contains(["arm64", "x86_64"], coalesce(var.architecture_override, "x86_64"))
    error_message = "architecture_override is arm64, x86_64 or null."
  }
}

variable "allow_newer_glibc" {
  description = "Deploy zips whose manifest.json says they need a glibc newer than provided.al2023's 2.34 (they will not start)."
  type        = bool
  default     = false
}

variable "enable_redrive_allow_policy" {
  description = "Put a RedriveAllowPolicy (byQueue) on each dead-letter queue. Turn off against moto, whose apply hangs on it."
  type        = bool
  default     = true
}

variable "apply_reserved_concurrency" {
  description = "Turn each function's maxConcurrency into reserved concurrency. Off by default: an account keeps at least 100 unreserved, and new accounts may have a limit of 10 in all."
  type        = bool
  default     = false
}

variable "iam_propagation_seconds" {
  description = "Seconds to wait after creating a pipe's role before creating the pipe (IAM propagation; hashicorp/terraform-provider-aws#40572). 0 skips the wait, e.g. against moto."
  type        = number
  default     = 15
  validation {
    condition     = var.iam_propagation_seconds >= 0 && var.iam_propagation_seconds <= 300
    error_message = "iam_propagation_seconds is 0 to 300."
  }
}

variable "secret_environment" {
  description = "Environment values that replace the topology's in every function that has the variable (JWT_SECRET: the topology's is for local development only; deploy with your own, e.g. -var 'secret_environment={JWT_SECRET=\"…\"}')."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "log_retention_days" {
  description = "Retention of the function, access and target log groups."
  type        = number
  default     = 14
}

variable "api_throttling_rate_limit" {
  description = "Requests per second each HTTP API accepts (a cost guard: the APIs have no authorizer, as in the reference)."
  type        = number
  default     = 100
}

variable "api_throttling_burst_limit" {
  type    = number
  default = 200
}
