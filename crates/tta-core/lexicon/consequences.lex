# The consequence system's keywords (src/consequences.rs): a choice's type is the one with the
# most distinct keywords in its text; emotion words and intensifiers give its weight.
# Matched lowercased at word boundaries; syntax: build.rs.

[Tag::Choice(ChoiceType::Coping)]
breathe
breathing
calm
ground
grounding
count
cope
coping
relax
pause
[Tag::Choice(ChoiceType::Social)]
talk
ask
call
friend
friends
help
share
join
together
reach out
[Tag::Choice(ChoiceType::SelfCare)]
rest
sleep
eat
walk
drink water
shower
break
[Tag::Choice(ChoiceType::Reflection)]
think
reflect
journal
write
consider
remember
notice
understand
[Tag::Choice(ChoiceType::Confrontation)]
confront
face
stand up
tell them
say no
refuse
challenge
speak up
[Tag::Choice(ChoiceType::Creative)]
draw
paint
build
create
sing
play music
imagine
[Tag::Choice(ChoiceType::Avoidance)]
avoid
ignore
hide
run away
leave
skip
escape
give up

[Tag::Emotion]
feel
feeling
afraid
scared
angry
sad
happy
hurt
proud
ashamed
guilty
love
lonely
anxious
hope
grateful

[Tag::Intensifier]
very
so
really
extremely
deeply
completely
