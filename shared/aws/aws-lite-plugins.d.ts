// aws-lite's DynamoDB plugin ships without type declarations; shared/aws/dynamodb.ts types its calls.
declare module '@aws-lite/dynamodb' {
  const plugin: unknown;
  export default plugin;
}
