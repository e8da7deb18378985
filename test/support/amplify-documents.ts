/**
 * Our typed documents in the form Amplify's own codegen emits (typed operation strings), so results
 * and variables are typed. Amplify types `query` against its own graphql 15 `DocumentNode` (it pins
 * graphql 15.8), which our graphql 16 documents do not satisfy; at run time either form works.
 * Imports nothing from the server (the contract suite uses it).
 */
import type { GeneratedMutation, GeneratedQuery, GeneratedSubscription } from '@aws-amplify/api-graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export function amplifyQuery<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>): GeneratedQuery<TVariables, TData> {
  return print(document) as GeneratedQuery<TVariables, TData>;
}
export function amplifyMutation<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>): GeneratedMutation<TVariables, TData> {
  return print(document) as GeneratedMutation<TVariables, TData>;
}
export function amplifySubscription<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>): GeneratedSubscription<TVariables, TData> {
  return print(document) as GeneratedSubscription<TVariables, TData>;
}
