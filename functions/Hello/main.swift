import AWSShapes
import LambdaRuntime

// GET /hello/{name}: a greeting. The smallest complete function: an API Gateway HTTP API event in, a response out.
await LambdaRuntime.run { (request: APIGatewayV2Request, context: LambdaContext) in
    let name = request.pathParameters?["name"] ?? "world"
    context.logger.info("greeting \(name)")
    return APIGatewayV2Response(
        statusCode: 200,
        headers: ["content-type": "application/json"],
        body: #"{"message":"Hello, \#(name)!","requestId":"\#(context.requestID)"}"#
    )
}
