import AWSShapes
import Foundation

/// The EventBridge Pipes REST API (`/v1/pipes`): CreatePipe, DescribePipe, ListPipes, UpdatePipe, StartPipe,
/// StopPipe, DeletePipe. Inputs and outputs are the shapes generated from botocore's model; the routes are
/// `AWSRESTRoutes`'. Errors are `NotFoundException` (404), `ConflictException` (409) and `ValidationException`
/// (400) with AWS's `x-amzn-ErrorType` header and `message` body.
struct PipesAPI {
    let service: PipeService

    func list(_ input: Pipes.ListPipesRequest) throws -> Pipes.ListPipesResponse {
        let all = try service.list(
            namePrefix: input.namePrefix, desiredState: input.desiredState?.rawValue,
            currentState: input.currentState?.rawValue, sourcePrefix: input.sourcePrefix,
            targetPrefix: input.targetPrefix)
        let page = try Paging.page(all, token: input.nextToken, size: input.limit ?? 100) {
            AWSError("ValidationException", "Invalid NextToken")
        }
        return Pipes.ListPipesResponse(pipes: page.items, nextToken: page.next)
    }

    func create(_ input: Pipes.CreatePipeRequest) throws -> Pipes.CreatePipeResponse {
        try service.create(name: input.name, PipeRequest(input)).output()
    }

    func describe(_ input: Pipes.DescribePipeRequest) throws -> Pipes.DescribePipeResponse {
        try service.describe(input.name)
    }

    func update(_ input: Pipes.UpdatePipeRequest) throws -> Pipes.UpdatePipeResponse {
        try service.update(name: input.name, PipeRequest(input)).output()
    }

    func delete(_ input: Pipes.DeletePipeRequest) throws -> Pipes.DeletePipeResponse {
        try service.delete(input.name).output()
    }

    func start(_ input: Pipes.StartPipeRequest) throws -> Pipes.StartPipeResponse {
        try service.setState(name: input.name, "RUNNING").output()
    }

    func stop(_ input: Pipes.StopPipeRequest) throws -> Pipes.StopPipeResponse {
        try service.setState(name: input.name, "STOPPED").output()
    }
}

/// The output shapes of CreatePipe, UpdatePipe, DeletePipe, StartPipe and StopPipe: the same members, each its own
/// shape in the model.
protocol PipeStateOutput: AWSShape {
    associatedtype DesiredState: AWSStringEnumeration
    init(
        arn: String?, name: String?, desiredState: DesiredState?, currentState: Pipes.PipeState?,
        creationTime: Double?, lastModifiedTime: Double?)
}

extension Pipes.CreatePipeResponse: PipeStateOutput {}
extension Pipes.UpdatePipeResponse: PipeStateOutput {}
extension Pipes.DeletePipeResponse: PipeStateOutput {}
extension Pipes.StartPipeResponse: PipeStateOutput {}
extension Pipes.StopPipeResponse: PipeStateOutput {}

extension PipeStateAnswer {
    func output<Output: PipeStateOutput>() -> Output {
        Output(
            arn: arn, name: name, desiredState: .init(rawValue: desiredState),
            currentState: .init(rawValue: currentState), creationTime: creationTime,
            lastModifiedTime: lastModifiedTime)
    }
}
